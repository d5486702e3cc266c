import { createApp } from 'vue'
import { createRouter, createWebHistory } from 'vue-router'
import App from './App.vue'
import BoardPage from './pages/BoardPage.vue'
import HomePage from './pages/HomePage.vue'
import './style.css'

const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', component: HomePage },
    { path: '/b/:id', component: BoardPage, props: true },
    { path: '/:unknown(.*)', redirect: '/' },
  ],
})

createApp(App).use(router).mount('#app')
